# One image for the API and the workers (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# the CJK font embedded in service report PDFs (PDF_FONT)
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# exactly the committed lock, never rewritten
RUN npm ci --no-audit --no-fund --include=dev
COPY . .
# the console and the chat widget it serves (npm start builds them too, when missing or stale)
RUN node scripts/build-console.mjs
# DATA_DIR (raw mail, attachments): a named volume takes this directory's owner on first mount.
RUN mkdir -p /data && chown node:node /data
EXPOSE 3000 2525
USER node
CMD ["npm", "run", "api"]
