// Each function's read access to SSM: the parameters it uses under /vpcep-approval/<stage>/, by name,
// and nothing else (the Slack notifier cannot read HUAWEICLOUD_SDK_SK). The names are each function's
// variables, generated from its config schema into deploy/ssm-parameters.json by `npm run docs`; the
// function asks SSM for exactly these (lib/secrets-ssm.ts). `ssm:GetParametersByPath` is granted to no
// one: on a path it reaches every parameter below it.
'use strict';

const PARAMETERS = require('./ssm-parameters.json');

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const statements = {};
  for (const [fn, names] of Object.entries(PARAMETERS))
    statements[fn] = {
      Effect: 'Allow',
      Action: 'ssm:GetParameters',
      Resource: names.map((name) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/vpcep-approval/${stage}/${name}`,
      })),
    };
  // SecureStrings decrypted only through SSM (KMS evaluates key ARNs, not aliases, so the AWS-managed
  // aws/ssm key is reached through the kms:ViaService condition).
  statements.decrypt = {
    Effect: 'Allow',
    Action: 'kms:Decrypt',
    Resource: '*',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template
    Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' } } },
  };
  return statements;
};
