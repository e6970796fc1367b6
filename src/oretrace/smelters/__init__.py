"""Smelter reference data and smelter identification with explained decisions.

Typical use::

    from oretrace.smelters import Identifier, SmelterQuery, default_reference

    identifier = Identifier(default_reference())
    result = identifier.identify(SmelterQuery("Tungsten", "Xiamen Tungsten", "CHINA"))
    result.decision, result.smelter_id, result.reason
"""

from oretrace.smelters.aliases import (
    AliasStore,
    JsonFileAliasStore,
    LearnedAlias,
    MemoryAliasStore,
    alias_key,
)
from oretrace.smelters.batch import BatchError, queries_from_csv, query_from_row
from oretrace.smelters.countries import country_code, same_country
from oretrace.smelters.describe import smelter_report
from oretrace.smelters.identify import Identifier
from oretrace.smelters.ids import IdKind, ParsedId, parse_smelter_id
from oretrace.smelters.importing import ReferenceImportError, import_bytes, import_file
from oretrace.smelters.matching import Candidate
from oretrace.smelters.metals import canonical_metal
from oretrace.smelters.model import (
    NameRecord,
    ReferenceRow,
    Smelter,
    Snapshot,
    SnapshotInfo,
    SnapshotKind,
    StatusRecord,
)
from oretrace.smelters.names import clean, core, fold
from oretrace.smelters.reference import Reference
from oretrace.smelters.results import (
    Decision,
    Flag,
    Identification,
    Method,
    SmelterQuery,
    Thresholds,
)
from oretrace.smelters.storage import (
    default_reference,
    load_reference,
    save_import,
    shipped_snapshots,
    user_reference_dir,
)

__all__ = [
    "AliasStore", "BatchError", "Candidate", "Decision", "Flag", "IdKind", "Identification",
    "Identifier", "ReferenceImportError", "JsonFileAliasStore", "LearnedAlias", "MemoryAliasStore",
    "Method", "NameRecord", "ParsedId", "Reference", "ReferenceRow", "Smelter", "SmelterQuery",
    "Snapshot", "SnapshotInfo", "SnapshotKind", "StatusRecord", "Thresholds", "alias_key",
    "canonical_metal", "clean", "core", "country_code", "default_reference", "fold",
    "import_bytes", "import_file", "load_reference", "parse_smelter_id", "queries_from_csv",
    "query_from_row",
    "same_country", "save_import", "shipped_snapshots", "smelter_report", "user_reference_dir",
]  # fmt: skip
