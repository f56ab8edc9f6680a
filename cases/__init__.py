"""The bundled example cases (JSON files), shipped with the package as lbp_screen.cases so
that every face can offer them; this file only makes the folder importable."""
