# inflame training image: the `inflame` command (train, sweep, predict, evaluate) with the package installed the
# way `make demo` installs it (pip install -c constraints.txt -e .). Build from the repository root:
#
#   CUDA (default; the PyPI torch wheels bundle CUDA, the host needs only the NVIDIA driver; runs on CPU too):
#     docker build -f docker/train.Dockerfile -t inflame-train .
#   CPU only (no CUDA libraries, a much smaller image):
#     docker build -f docker/train.Dockerfile --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cpu -t inflame-train:cpu .
#   optional extras (needs the matching extras in settings.ini), e.g. Ray Tune for sweeps:
#     docker build -f docker/train.Dockerfile --build-arg EXTRAS="[sweep]" -t inflame-train .
#
# Run (the current folder holds the config, data and runs/):
#   docker run --rm --gpus all --shm-size 8g -v "$PWD":/work inflame-train train configs/shapes.toml --devices 2
#   docker run --rm -v "$PWD":/work inflame-train:cpu train configs/shapes.toml
ARG BASE=python:3.11-slim
FROM ${BASE}

ARG TORCH_INDEX=""
ARG EXTRAS=""
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLBACKEND=Agg TORCH_HOME=/opt/torch-cache

WORKDIR /opt/inflame
# 1. dependencies, from the packaging files only (this layer is reused while they do not change)
COPY setup.py settings.ini pyproject.toml constraints.txt README.md ./
RUN mkdir inflame && touch inflame/__init__.py \
 && if [ -n "$TORCH_INDEX" ]; then \
        pip install -c constraints.txt --index-url "$TORCH_INDEX" torch torchvision; \
    fi \
 && pip install -c constraints.txt -e ".${EXTRAS}"
# 2. the package itself (an editable install: the sources below are what runs)
COPY inflame ./inflame
RUN python -c "import inflame.core, inflame.data; print('inflame', inflame.__version__)" && inflame --help > /dev/null

WORKDIR /work
ENTRYPOINT ["inflame"]
CMD ["--help"]
