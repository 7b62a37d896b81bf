"""Tests of the labs: the framework (engine/labs), the generator (tools/labs.py), lab 01."""
