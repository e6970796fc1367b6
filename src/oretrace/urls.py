"""URL configuration: the admin for reference and master data (the web app comes later)."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
