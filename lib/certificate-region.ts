/**
 * A regional API Gateway custom domain needs an ACM certificate from the same region (API Gateway
 * docs: "Setting up a regional custom domain name": the certificate must be in the API's region).
 * Checked at synth, by `loadConfigFromApp` (with the region the CDK CLI deploys to) and by the
 * construct (with the stack's region), with a message that says what to run.
 */

/** The region of an ACM certificate ARN (`arn:aws:acm:<region>:<account>:certificate/<id>`), if it is one. */
export function certificateRegion(certificateArn: unknown): string | undefined {
  if (typeof certificateArn !== 'string') return undefined;
  return /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\//.exec(certificateArn)?.[1];
}

/**
 * The problem when the certificate is from another region than the stack's, else undefined
 * (also when either region is unknown: a region-agnostic stack is checked at deploy time).
 */
export function certificateRegionProblem(certificateArn: unknown, stackRegion: string | undefined, domainName?: unknown): string | undefined {
  const certRegion = certificateRegion(certificateArn);
  if (certRegion === undefined || stackRegion === undefined || stackRegion === '' || certRegion === stackRegion) return undefined;
  const domain = typeof domainName === 'string' && domainName !== '' ? domainName : 'YOUR_DOMAIN';
  return (
    `certificateArn: the certificate is in ${certRegion} but the stack deploys to ${stackRegion}; a regional API Gateway custom domain ` +
    `needs a certificate from the stack's own region. Either deploy to ${certRegion} (AWS_REGION=${certRegion} npx cdk deploy …, or ` +
    `env: { region: '${certRegion}' } on your stack), or request a certificate in ${stackRegion} and use its ARN: ` +
    `aws acm request-certificate --region ${stackRegion} --domain-name ${domain} --validation-method DNS`
  );
}
