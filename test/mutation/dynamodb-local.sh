#!/bin/sh
# One DynamoDB Local for a whole mutation run (test/support/dynamodb-local.ts, MUTATION_DYNAMODB_LOCAL):
#   PORT=$(test/mutation/dynamodb-local.sh) && MUTATION_DYNAMODB_LOCAL=http://127.0.0.1:$PORT npm run mutation -- …
# Without -sharedDb, each access key gets a database of its own, so every test run starts empty.
set -e
cd "$(dirname "$0")/../.."
eval "$(npx tsx -e "import { dynamoDbLocalJar } from './test/support/dynamodb-local-jar.ts'; const j = dynamoDbLocalJar(); console.log('JAR=' + j.jar + ' LIB=' + j.libDir + ' DIR=' + j.cwd)")"
PORT=${PORT:-18123}
cd "$DIR"
nohup java -Djava.library.path="$LIB" -jar "$JAR" -inMemory -disableTelemetry -port "$PORT" >/dev/null 2>&1 &
echo "$PORT"
