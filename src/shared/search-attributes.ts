import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes the complaint workflow upserts. Their names are registered with the server
 * (temporal-dev.yml for the embedded dev server; `temporal operator search-attribute create` in production):
 * renaming one breaks visibility queries over running complaints, so treat them as a wire format.
 */
export const STATUS_ATTR = defineSearchAttributeKey('ComplaintStatus', SearchAttributeType.KEYWORD);
export const CATEGORY_ATTR = defineSearchAttributeKey('ComplaintCategory', SearchAttributeType.KEYWORD);
export const PRIORITY_ATTR = defineSearchAttributeKey('ComplaintPriority', SearchAttributeType.KEYWORD);
export const ASSIGNEE_ATTR = defineSearchAttributeKey('ComplaintAssignee', SearchAttributeType.KEYWORD);
export const DEPARTMENT_ATTR = defineSearchAttributeKey('ComplaintDepartment', SearchAttributeType.KEYWORD);
export const CHANNEL_ATTR = defineSearchAttributeKey('ComplaintChannel', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [STATUS_ATTR, CATEGORY_ATTR, PRIORITY_ATTR, ASSIGNEE_ATTR, DEPARTMENT_ATTR, CHANNEL_ATTR];
