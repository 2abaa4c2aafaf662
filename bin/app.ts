import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../lambda/core/config';
import { AlexaLinkAdapterStack } from '../lib/adapter-stack';
import { loadConfigFromApp } from '../lib/config-from-app';
import { buildHandlerAssets } from '../scripts/handler-assets';

const app = new App();
try {
  const region = process.env.CDK_DEFAULT_REGION;
  // One ConfigError naming every problem, the certificate's region included (the CLI's region).
  const config = loadConfigFromApp(app, { region });
  // This repository deploys its own sources: rebuild the prebuilt handler bundles (a few hundred ms;
  // unchanged bundles are not rewritten). An installed package ships them built.
  await buildHandlerAssets({ variants: ['sdk-external'] });
  const stackName: unknown = app.node.tryGetContext('stackName');
  new AlexaLinkAdapterStack(app, 'AlexaLinkAdapter', {
    config,
    stackName: typeof stackName === 'string' && stackName !== '' ? stackName : 'AlexaLinkAdapter',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // A config mistake is the user's, not a crash: print the list of problems without a stack trace.
  console.error(err.message);
  process.exit(1);
}
