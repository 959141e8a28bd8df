const tagNames: Record<string, readonly string[]> = {
  mood: ['happy', 'melancholic', 'energetic', 'calm', 'dark', 'romantic', 'aggressive', 'dreamy', 'uplifting', 'tense'],
  genre: ['rock', 'pop', 'jazz', 'classical', 'hip-hop', 'electronic', 'folk', 'metal', 'soul', 'reggae', 'blues'],
  instrument: ['piano', 'guitar', 'violin', 'drums', 'saxophone', 'synthesizer', 'cello', 'trumpet', 'flute', 'bass'],
  context: ['workout', 'study', 'party', 'sleep', 'driving', 'dinner', 'focus', 'travel', 'rainy-day', 'morning'],
  era: ['1950s', '1960s', '1970s', '1980s', '1990s', '2000s', '2010s', '2020s'],
};

const uuid = (kind: number, index: number) => `00000000-0000-4000-8${kind}00-${String(index).padStart(12, '0')}`;

/** Tags as `GET /lexicology/tags` lists them. `weight` is a field no client knows. */
export const musimapTags = Object.entries(tagNames)
  .flatMap(([category, names]) => names.map((name) => ({ category, name })))
  .map(({ category, name }, index) => ({
    id: uuid(1, index + 1),
    name,
    category,
    language: 'en',
    weight: (index * 7) % 100,
  }));

/** Tracks as `GET /tracks/:id` shows them. */
export const musimapTracks = [
  ['Blue Hour', 'The Night Owls', 'GBAYE0000001', 241_000],
  ['Paper Boats', 'Marta Lind', 'SEAAA0000002', 198_500],
  ['Concrete Garden', 'Subway Ensemble', 'DEBBB0000003', 305_250],
  ['Seventh Wave', 'Cora & The Tides', 'FRCCC0000004', 222_000],
  ['Slow Motion Summer', 'Pale Harbour', 'USDDD0000005', 187_750],
].map(([title, artist, isrc, durationMs], index) => ({
  id: uuid(2, index + 1),
  title,
  artist: { id: uuid(3, index + 1), name: artist },
  isrc,
  duration_ms: durationMs,
  tags: [musimapTags[index * 3]?.id, musimapTags[index * 3 + 12]?.id],
  weight: 50 + index,
}));
