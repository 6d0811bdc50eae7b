"""The central service as a Django application: its models and migrations, the REST contract's
views (over api.CentralApp), the staff console and the citizen's status page.

Django is the central's web stack only: the kiosk's bundle never imports this package.
"""
