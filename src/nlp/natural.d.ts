// natural's package index re-exports its storage back ends (DB drivers, dotenv banners), so we
// import single modules by path; these paths ship without their own type declarations.
declare module 'natural/lib/natural/stemmers/porter_stemmer' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}

declare module 'natural/lib/natural/tokenizers/aggressive_tokenizer' {
  export default class AggressiveTokenizer {
    tokenize(text: string): string[];
  }
}

declare module 'natural/lib/natural/sentiment/SentimentAnalyzer' {
  export default class SentimentAnalyzer {
    constructor(language: string, stemmer: { stem(token: string): string } | null, type: string);
    vocabulary: Record<string, number>;
    getSentiment(words: string[]): number;
  }
}

declare module 'natural/lib/natural/util/stopwords' {
  export const words: string[];
}

declare module 'natural/lib/natural/util/stopwords_zh' {
  export const words: string[];
}
