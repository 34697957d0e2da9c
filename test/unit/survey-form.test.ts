import { describe, expect, it } from 'vitest';
import { answerFromForm } from '../../src/api/routes/surveys';
import { surveyAnswer } from '../../src/api/schemas/complaints';
import { FINAL_STATUSES } from '../../src/shared/constants';
import { isOneOf } from '../../src/shared/one-of';

describe('the survey page form as the JSON answer', () => {
  it('reads the score as a number and trims the comment', () => {
    expect(answerFromForm('score=4&comment=%20%E5%BE%88%E5%BF%AB%20')).toEqual({ score: 4, comment: '很快' });
    expect(surveyAnswer.safeParse(answerFromForm('score=5')).data).toEqual({ score: 5 });
  });

  it('leaves out a blank comment and fields the answer does not have', () => {
    expect(answerFromForm('score=2&comment=+++&nonce=x&token=y')).toEqual({ score: 2 });
  });

  it('leaves what is not a score for the schema to refuse', () => {
    for (const form of ['score=4.5', 'score=abc', 'score=', 'comment=hi', 'score=3&score=4', 'score=3&comment=a&comment=b']) {
      expect(surveyAnswer.safeParse(answerFromForm(form)).success, form).toBe(false);
    }
    expect(answerFromForm('score=3&comment=a&comment=b')).toEqual({ score: 3, comment: ['a', 'b'] });
  });
});

describe('isOneOf', () => {
  it('tells a stored status of a group from one outside it', () => {
    expect(['closed', 'withdrawn'].filter((s) => isOneOf(FINAL_STATUSES, s))).toEqual(['closed', 'withdrawn']);
    expect(['resolved', 'received', 'CLOSED', ''].some((s) => isOneOf(FINAL_STATUSES, s))).toBe(false);
  });
});
