from .bundles import Bundle, BundleItem, JointIssuanceRule
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
