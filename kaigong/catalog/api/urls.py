from django.urls import path

from .views import BundleDetailApi, BundleListApi, CatalogExportApi, CatalogImportApi, MatterListApi

urlpatterns = [
    path("catalog/matters/", MatterListApi.as_view(), name="catalog-matters"),
    path("catalog/bundles/", BundleListApi.as_view(), name="catalog-bundles"),
    path("catalog/bundles/<slug:code>/", BundleDetailApi.as_view(), name="catalog-bundle"),
    path("catalog/export/", CatalogExportApi.as_view(), name="catalog-export"),
    path("catalog/import/", CatalogImportApi.as_view(), name="catalog-import"),
]
