"""Extension instances, created bare and bound to the app in ``create_app``."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from consultation.db import db

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
# No default limits: only the routes that need one (sign-in) carry a limit.
limiter = Limiter(key_func=get_remote_address)

__all__ = ["babel", "compress", "csrf", "db", "limiter", "login_manager", "migrate"]
