"""Developer tools of the course (not shipped to learners)."""
