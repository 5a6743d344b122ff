# syntax=docker/dockerfile:1
# inflame in a container. The package is installed the way `make demo` installs it (pip install -c constraints.txt -e .).
#
# Serve a model folder mounted at /model (stage `serve`):
#   docker build --target serve -t inflame-serve .
#   docker run --rm -p 127.0.0.1:8000:8000 -v "$PWD/runs/RUN/model:/model:ro" inflame-serve
#   open http://127.0.0.1:8000/ (upload page), POST /predict, GET /health
# Or bake the model into the image (stage `serve-model`; a model folder inside the build context):
#   docker build --target serve-model --build-arg MODEL=runs/RUN/model -t inflame-serve:RUN .
# Browse a batch results file too (its image paths must resolve inside the container):
#   docker run --rm -p 127.0.0.1:8000:8000 -v "$PWD/runs/RUN/model:/model:ro" -v "$PWD/data:/data:ro" \
#     inflame-serve /model --host 0.0.0.0 --results /data/results.jsonl --images /data
#
# Inside the container the service listens on 0.0.0.0 (the container's own interface); publish the port on the host's
# loopback (-p 127.0.0.1:8000:8000) unless it must be reachable from other machines: the service has no authentication.
# Torch comes from the CPU wheel index by default (the CUDA wheels are several GB); for a GPU image:
#   docker build --target serve --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cu126 -t inflame-serve:gpu .
#   docker run --gpus all ... inflame-serve:gpu /model --host 0.0.0.0 --device cuda

ARG PYTHON=3.11

FROM python:${PYTHON}-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLBACKEND=Agg MPLCONFIGDIR=/tmp/matplotlib
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
WORKDIR /app
# What `pip install -e .` reads (setup.py reads settings.ini and README.md), then the package itself.
COPY settings.ini setup.py pyproject.toml constraints.txt README.md ./
COPY inflame/ ./inflame/
RUN pip install ${TORCH_INDEX:+--extra-index-url "$TORCH_INDEX"} -c constraints.txt -e . \
 && python -c "import fastapi, uvicorn, multipart, inflame.serve, inflame.classify, inflame.detect; print('inflame', __import__('inflame').__version__)"

FROM base AS serve
RUN useradd --create-home --uid 10001 inflame
USER inflame
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:8000/health', timeout=4)"]
ENTRYPOINT ["python", "-m", "inflame.serve"]
CMD ["/model", "--host", "0.0.0.0", "--port", "8000"]

FROM serve AS serve-model
# MODEL: a model folder (model.json + *.safetensors) or run folder inside the build context.
ARG MODEL=set-MODEL-to-a-model-folder
COPY --chown=inflame ${MODEL} /model
