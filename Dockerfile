# One image for every deployable: any function or the worker, chosen by the command.
#   docker build -t khadum .
#   docker run -p 8080:8080 --env-file prod.env khadum                       # whatsapp_webhook
#   docker run -p 8080:8080 --env-file prod.env khadum khadum serve respond_request
#   docker run -p 8080:8080 --env-file prod.env khadum uvicorn functions.chat.main:app --host 0.0.0.0 --port 8080 --no-proxy-headers
#   docker run --env-file prod.env khadum khadum worker
# The base is pinned to an exact release (bump deliberately; pin its digest in CI with
# `docker buildx imagetools inspect python:3.11.11-slim-bookworm`).

FROM python:3.11.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY khadum ./khadum
COPY functions ./functions
COPY supabase/migrations ./supabase/migrations
COPY supabase/policies ./supabase/policies
# The project and its pinned dependencies as wheels (the SQL ships inside khadum).
RUN pip wheel --wheel-dir /wheels .

FROM python:3.11.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 KHADUM_ENV=production PORT=8080
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links=/wheels khadum && rm -rf /wheels \
    && groupadd --system --gid 10001 khadum \
    && useradd --system --uid 10001 --gid khadum --home-dir /home/khadum --create-home khadum
USER 10001:10001
WORKDIR /home/khadum
EXPOSE 8080
CMD ["khadum", "serve", "whatsapp_webhook"]
