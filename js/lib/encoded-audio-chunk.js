'use strict';
// js/ layer: EncodedAudioChunk (WebCodecs §8.1) — the shared encoded-chunk implementation
// (encoded-chunk.js) under its audio name.

const { defineEncodedChunk, ENCODED_CHUNK_TYPES } = require('./encoded-chunk');

const { Class: EncodedAudioChunk, wrapChunkBytes, chunkBytes, isChunk: isEncodedAudioChunk } = defineEncodedChunk('EncodedAudioChunk');

module.exports = { EncodedAudioChunk, wrapChunkBytes, chunkBytes, isEncodedAudioChunk, ENCODED_AUDIO_CHUNK_TYPES: ENCODED_CHUNK_TYPES };
