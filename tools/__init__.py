"""Build machinery (not imported by the chapters): the chapter runner and the typed-number scanner."""
