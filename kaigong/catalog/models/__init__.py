from .bundles import Bundle, BundleItem, JointIssuanceRule
from .generation import CatalogGeneration
from .matters import (
    CatalogRevision,
    MaterialRequirement,
    Matter,
    MatterDependency,
    MatterField,
    MatterVersion,
)
from .reference import (
    CertificateType,
    FieldSpec,
    Material,
    MaterialFile,
    MaterialFileKind,
    ProcessTrack,
    Question,
    Stage,
)

__all__ = [
    "Bundle",
    "BundleItem",
    "CatalogGeneration",
    "CatalogRevision",
    "CertificateType",
    "FieldSpec",
    "JointIssuanceRule",
    "Material",
    "MaterialFile",
    "MaterialFileKind",
    "MaterialRequirement",
    "Matter",
    "MatterDependency",
    "MatterField",
    "MatterVersion",
    "ProcessTrack",
    "Question",
    "Stage",
]
