from . import backdrop_user, data_group, data_set, data_type  # noqa: F401  (registers the admins)
