FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs settings that start: a throwaway key, used for this build step only.
RUN DEBUG=false SECRET_KEY=collectstatic-only-build-key-not-used-at-run-time-0123456789 \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

RUN useradd --create-home portal && chown -R portal /app
USER portal
EXPOSE 8000
# Sync gunicorn workers: (2 x cores) + 1, the configuration the load benchmark measures.
ENV WEB_CONCURRENCY=5
CMD ["gunicorn", "returnee_portal.wsgi:application", "--bind", "0.0.0.0:8000"]
