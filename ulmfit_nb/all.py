"The public API of every ulmfit_nb module: `from ulmfit_nb.all import *`."
# Hand-written (like fastai's `all.py`); every other module is generated from nbs/ by nbdev-export.
# nbs/index.ipynb tests that this re-exports each module's `__all__` (the command line, `ulmfit_nb.cli`, is not a library module).
from .core import *
from .tokenize import *
from .data import *
from .model import *
from .precision import *
from .lm_finetune import *
from .classifier import *
from .distributed import *
from .interpret import *
from .ensemble import *
from .probe import *
from .config import *
from .sources import *
from .runs import *
from .reports import *
from .recipe import *
