# inflame serving image: `inflame serve` (python -m inflame serve) with the package installed the way `make demo`
# installs it (pip install -c constraints.txt -e .). Build from the repository root:
#
#   docker build -f docker/serve.Dockerfile --target serve -t inflame-serve .
#   CPU only (no CUDA libraries, a much smaller image):
#     docker build -f docker/serve.Dockerfile --target serve --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cpu -t inflame-serve:cpu .
#   a model baked into the image (a model folder inside the repository; only model.json and *.safetensors are sent):
#     docker build -f docker/serve.Dockerfile --target serve-model --build-arg MODEL=runs/RUN/model -t inflame-serve:RUN .
#
# Run with a model folder mounted at /model (read-only), and open http://127.0.0.1:8000/ (upload page), POST /predict,
# GET /health:
#   docker run --rm -p 127.0.0.1:8000:8000 -v "$PWD/runs/RUN/model:/model:ro" inflame-serve
#   docker run --rm --gpus all -p 127.0.0.1:8000:8000 -v "$PWD/runs/RUN/model:/model:ro" inflame-serve /model --host 0.0.0.0 --device cuda
# Browse a batch results file as well (its image paths must resolve inside the container, hence --images):
#   docker run --rm -p 127.0.0.1:8000:8000 -v "$PWD/runs/RUN/model:/model:ro" -v "$PWD/data:/data:ro" \
#     inflame-serve /model --host 0.0.0.0 --results /data/results.jsonl --images /data
#
# In the container the service listens on 0.0.0.0 (the container's own interface). Publish the port on the host's
# loopback (-p 127.0.0.1:8000:8000) unless other machines must reach it: the service has no authentication.
# The service never unpickles (no .pkl is sent to the build, and --trust is not given).
ARG BASE=python:3.11-slim
FROM ${BASE} AS serve

ARG TORCH_INDEX=""
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLBACKEND=Agg MPLCONFIGDIR=/tmp/matplotlib

WORKDIR /opt/inflame
# 1. dependencies, from the packaging files only (this layer is reused while they do not change)
COPY setup.py settings.ini pyproject.toml constraints.txt README.md ./
RUN mkdir inflame && touch inflame/__init__.py \
 && if [ -n "$TORCH_INDEX" ]; then \
        pip install -c constraints.txt --index-url "$TORCH_INDEX" torch torchvision; \
    fi \
 && pip install -c constraints.txt -e .
# 2. the package itself (an editable install: the sources below are what runs); the build fails here if the serving
#    requirements (fastapi, uvicorn, python-multipart) are missing from settings.ini
COPY inflame ./inflame
RUN python -c "import fastapi, uvicorn, multipart, inflame, inflame.serve; print('inflame', inflame.__version__)"

RUN useradd --create-home --uid 10001 inflame
USER inflame
WORKDIR /home/inflame
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:8000/health', timeout=4)"]
ENTRYPOINT ["python", "-m", "inflame", "serve"]
CMD ["/model", "--host", "0.0.0.0", "--port", "8000"]

FROM serve AS serve-model
# MODEL: a model folder (model.json + *.safetensors), relative to the repository root
ARG MODEL=set-MODEL-to-a-model-folder
COPY --chown=inflame ${MODEL} /model
