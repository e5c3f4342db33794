/** The DingTalk and WeCom functions' settings: their own variables, checked and named when wrong. */
import { describe, expect, it } from 'vitest';
import { loadDingtalkConfig } from '../../functions/chatops-dingtalk/config.ts';
import { loadWecomConfig } from '../../functions/chatops-wecom/config.ts';
import { ConfigError } from '../../lib/errors.ts';

const deployed = {
  DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/decisions.fifo',
  LEDGER_TABLE_NAME: 'vpcep-approval-dev-ledger',
  HUAWEICLOUD_SDK_AK: 'AKAKAKAKAKAK',
  HUAWEICLOUD_SDK_SK: 'SKSKSKSKSKSKSKSK',
  HUAWEICLOUD_REGION: 'cn-north-4',
  DINGTALK_APP_KEY: 'dingkey',
  DINGTALK_APP_SECRET: 'dingtalk-app-secret-value',
  DINGTALK_CARD_API_SECRET: 'dingtalk-card-secret-value',
  DINGTALK_ALLOWED_USERS: 'alice01',
  WECOM_CORP_ID: 'ww1436e0e65a779aee',
  WECOM_TOKEN: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo',
  WECOM_ENCODING_AES_KEY: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt',
  WECOM_ALLOWED_USERS: 'alice',
};

describe('DingTalk and WeCom function settings', () => {
  it('reads each platform’s settings, defaults the API bases, and keeps every secret out of the logs', () => {
    const dingtalk = loadDingtalkConfig(deployed);
    const wecom = loadWecomConfig(deployed);

    expect(dingtalk).toMatchObject({
      apiBase: 'https://api.dingtalk.com',
      cardApiSecret: 'dingtalk-card-secret-value',
    });
    expect(dingtalk.secrets).toEqual(
      expect.arrayContaining(['dingtalk-app-secret-value', 'dingtalk-card-secret-value']),
    );
    expect(wecom).toMatchObject({ apiBase: 'https://qyapi.weixin.qq.com', corpId: 'ww1436e0e65a779aee' });
    expect(wecom.secrets).toEqual(
      expect.arrayContaining([deployed.WECOM_TOKEN, deployed.WECOM_ENCODING_AES_KEY]),
    );
  });

  it('refuses a plain-http API base off the loopback address, and a malformed EncodingAESKey, naming them', () => {
    expect(() => loadDingtalkConfig({ ...deployed, DINGTALK_API_BASE: 'http://api.dingtalk.com' })).toThrow(
      expect.objectContaining({ variable: 'DINGTALK_API_BASE' }),
    );
    expect(loadDingtalkConfig({ ...deployed, DINGTALK_API_BASE: 'http://127.0.0.1:9' }).apiBase).toBe(
      'http://127.0.0.1:9',
    );
    expect(() => loadWecomConfig({ ...deployed, WECOM_ENCODING_AES_KEY: 'short' })).toThrow(ConfigError);
  });
});
