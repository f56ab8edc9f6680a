"""lbp-screen's command-line interface (a thin click layer over engine/)."""
