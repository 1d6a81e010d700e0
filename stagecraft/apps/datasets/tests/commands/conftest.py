from stagecraft.libs.mass_update.tests.conftest import frozen_now  # noqa: F401
