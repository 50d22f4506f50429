"""The floor the serving benchmark compares pages with: the smallest Flask application,
served by the same gunicorn command as Consultation."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
