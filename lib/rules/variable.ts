/**
 * The variable that holds the rules document (parsed in schema.ts). Its own module, so that naming it
 * (the CLI's `--help`, the settings it reads) does not build the rules' schemas.
 */
export const RULES_VARIABLE = 'VPCEP_APPROVAL_RULES';
