# syntax=docker/dockerfile:1
# The order-saga image: every role runs from it, one role per container (`--role <role>`, see docker-compose.yml).
ARG NODE_IMAGE=node:20-bookworm-slim

# Dependencies, from the lock file alone so this layer is reused until it changes. glibc (not Alpine): Temporal's
# native core bridge ships for it. Build tools only for better-sqlite3's fallback when no prebuilt binary matches.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# The production workflow bundle: `npm run build` writes dist/workflow-bundle.js, which the orders role loads
# (WORKFLOW_BUNDLE) instead of bundling the workflow code at every start.
FROM deps AS build
COPY . .
RUN npm run build --if-present && mkdir -p dist

# What runs: the sources run through tsx (a dependency of the start command), the bundle, no build tools.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY tools ./tools
COPY --from=build /app/dist ./dist
# The key folders exist in the image, owned by node and private, so the named volumes mounted on them start so too.
RUN mkdir -p /app/data/auth /app/data/codec && chmod 700 /app/data/auth /app/data/codec && chown -R node:node /app/data
USER node
# Overridden per container by docker-compose.yml; alone, the image runs every role in one process.
CMD ["node", "--import", "tsx", "src/workers/main.ts", "--role", "all"]
