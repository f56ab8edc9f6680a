"""What the in-process command-line tests share."""
from click.testing import CliRunner, Result

from lbp_screen.main import lbp


def invoke_lbp(args, input=None) -> Result:
    """Run ``lbp`` with ``args`` in-process.  An exception the command does not turn into an
    exit fails the test: caught, CliRunner would keep it in ``result.exception``, print
    nothing and report exit code 1, just like a proper error exit."""
    return CliRunner().invoke(lbp, list(args), input=input, catch_exceptions=False)
