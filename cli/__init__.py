"""lbp-screen: rule-based screening of low back pain, with its reasoning explained.

Installed, this folder (cli/, the faces) is the package ``lbp_screen`` itself; the engine is
``lbp_screen.engine`` and the knowledge base ``lbp_screen.knowledge`` (pyproject maps them).
Nothing is imported here at import time, so ``import lbp_screen.engine`` stays free of the
knowledge base and of click."""
