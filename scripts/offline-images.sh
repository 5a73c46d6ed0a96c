#!/usr/bin/env bash
# Stand-ins for the official postgres/redis images, for machines with no registry. The recipe
# lives in the engine (asym-engine/recipes/offline-images.sh), which runs it itself when a
# clone needs infra images that are neither local nor pullable; this runs it by hand.
exec bash "$(dirname "$0")/../asym-engine/recipes/offline-images.sh" "$@"
