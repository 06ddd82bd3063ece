# The web image: gunicorn serving config.wsgi, static files through WhiteNoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings but no secret in use: a throwaway key for this build step only.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_SETTINGS_MODULE=config.settings.base \
    python manage.py collectstatic --noinput --verbosity 0 \
 && useradd --system --home /app app && chown -R app /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
