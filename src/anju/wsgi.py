import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
application = get_wsgi_application()

# The rule browser's citations are read from the sources (seconds): once here, in the process
# that `anju serve` preloads and forks its workers from, not on each worker's first /rules/ page.
from anju.policy.catalogue import catalogue  # noqa: E402

catalogue()
