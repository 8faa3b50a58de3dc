# One image for web, worker and beat (docker-compose.yml picks the command).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/src static/src
RUN npm run --silent build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=False
# pango: WeasyPrint's PDF rendering; fonts for readable PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 cspr
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=cspr:cspr . .
COPY --from=assets --chown=cspr:cspr /app/static/build static/build
RUN mkdir -p var && chown cspr:cspr var
USER cspr
EXPOSE 8000
# gunicorn.conf.py in /app holds bind, workers, the masked access log and the trusted proxy.
CMD ["gunicorn", "cspr.wsgi:application"]
