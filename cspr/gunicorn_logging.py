from gunicorn.glogging import Logger

from cspr.log_filters import mask_secrets


class MaskingLogger(Logger):
    """gunicorn's access log with calendar-feed tokens hidden."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            if isinstance(atoms.get(key), str):
                atoms[key] = mask_secrets(atoms[key])
        return atoms
