import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from '../shared/search-attributes';

const INDEXED = temporal.api.enums.v1.IndexedValueType;

const TYPE_TO_INDEXED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: INDEXED.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: INDEXED.INDEXED_VALUE_TYPE_KEYWORD,
  INT: INDEXED.INDEXED_VALUE_TYPE_INT,
  DOUBLE: INDEXED.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: INDEXED.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: INDEXED.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: INDEXED.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers the workflow's custom search attributes in a namespace. The dev server gets them from
 * temporal-dev.yml at start; the time-skipping test server and a fresh self-hosted cluster need this.
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const searchAttributes = Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, TYPE_TO_INDEXED[k.type]!]));
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}
