from stagecraft.testing.clock import frozen_at

from .helpers import NOW

frozen_now = frozen_at(NOW)
