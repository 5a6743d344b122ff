__version__ = "0.1.0"
import warnings as _warnings
# fastai's layers module scripts a few functions with torch.jit at import time; torch >= 2.10 warns that jit.script is
# deprecated on every import. It is not actionable for inflame's users, so it is not shown.
_warnings.filterwarnings("ignore", message=r"`torch\.jit\.script` is deprecated", category=FutureWarning)
