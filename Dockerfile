# Svarstid's dashboard in a container: python:3.11-slim, pinned requirements, a non-root user.
#   docker build -t svarstid .
#   docker run -p 8501:8501 -v "$PWD/data:/app/data" svarstid
# Without a mounted data folder the app generates the synthetic demo on first start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SVARSTID_DATA_DIR=/app/data

# curl for the health check; tzdata comes from requirements.txt (the slim image has no zoneinfo)
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN useradd --create-home --uid 10001 svarstid
COPY --chown=svarstid:svarstid . .
RUN mkdir -p /app/data && chown svarstid:svarstid /app/data
USER svarstid

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS http://localhost:8501/_stcore/health || exit 1

# .streamlit/config.toml: headless, no usage statistics, no error details for visitors
CMD ["streamlit", "run", "dashboard.py", "--server.port=8501", "--server.address=0.0.0.0"]
