"""One module per page type. Every module here that defines ``urlpatterns`` is included by
``oretrace.web.urls`` at the site root; pages build on the scoped bases in ``base``."""
