/**
 * The channels that can vouch for a person's approval. A chat platform vouches for its own
 * signature-verified user; a ticket system only when the rules document trusts it
 * (`trustedApprovers`). A carrier that verifies no person (a webhook secret, the queue, the CLI)
 * vouches for no one, whatever its decision's `approvedBy` says.
 */
export const CHAT_CHANNELS = ['slack', 'feishu', 'dingtalk', 'wecom'] as const;
export const TICKET_CHANNELS = ['jira'] as const;
export const CHANNELS = [...CHAT_CHANNELS, ...TICKET_CHANNELS] as const;

export type ChatChannel = (typeof CHAT_CHANNELS)[number];
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export type Channel = (typeof CHANNELS)[number];

/** A person's approval as it is recorded and shown: `alice via slack`. */
export type Approval = { person: string; channel: Channel };

export const approvalText = (approval: Approval): string => `${approval.person} via ${approval.channel}`;
