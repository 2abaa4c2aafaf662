/** The deployable stack: the adapter construct plus the outputs the user and the diagnosis CLI read. */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AdapterConfigInput } from '../lambda/core/config';
import { AccountLinkingAdapter, type AccountLinkingAdapterProps } from './account-linking-adapter';

/** Properties of {@link AlexaLinkAdapterStack}. */
export interface AlexaLinkAdapterStackProps extends StackProps {
  /**
   * The adapter configuration (cdk.json's `adapter` object; `loadConfigFromApp` reads it from context),
   * validated by the construct.
   */
  readonly config: AdapterConfigInput;
  /**
   * Overrides passed through to the construct.
   * @default - the construct's defaults
   */
  readonly adapter?: Omit<AccountLinkingAdapterProps, 'config'>;
}

/**
 * Thin stack around {@link AccountLinkingAdapter} with its outputs (`addStackOutputs`: the console
 * values and the names the diagnosis CLI looks up, under the stable keys of `OUTPUT_KEYS`).
 */
export class AlexaLinkAdapterStack extends Stack {
  public readonly adapter: AccountLinkingAdapter;

  constructor(scope: Construct, id: string, props: AlexaLinkAdapterStackProps) {
    super(scope, id, {
      description: 'Alexa account linking adapter (alexa-link-adapter): token endpoint and state',
      ...props,
    });
    this.adapter = new AccountLinkingAdapter(this, 'Adapter', { ...props.adapter, config: props.config });
    this.adapter.addStackOutputs();
  }
}
