"""The SPGL front database (alias ``exchange``) holds only the front tables: no migrations."""


class ExchangeRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == "exchange":
            return False
        return None
