# One image for the API and the workers (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --include=dev
COPY . .
RUN node scripts/build-console.mjs
EXPOSE 3000 2525
USER node
CMD ["npm", "run", "api"]
