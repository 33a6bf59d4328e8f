"""The pages of the import wizard (``ui.dialogs.import_wizard``), in the order the user meets
them: the file and its format (``source``), the columns (``mapping``), the dry run and the
import (``check``). Each page reaches the wizard's shared state through ``Owner``."""
