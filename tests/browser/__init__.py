"""Real-browser tests: lessons run in JupyterLab in headless Chromium (marker ``browser``)."""
