'use strict';
// js/ layer: EncodedVideoChunk (WebCodecs §8.2) — the shared encoded-chunk implementation
// (encoded-chunk.js) under its video name.

const { defineEncodedChunk, ENCODED_CHUNK_TYPES } = require('./encoded-chunk');

const { Class: EncodedVideoChunk, wrapChunkBytes, chunkBytes, isChunk: isEncodedVideoChunk } = defineEncodedChunk('EncodedVideoChunk');

module.exports = { EncodedVideoChunk, wrapChunkBytes, chunkBytes, isEncodedVideoChunk, ENCODED_VIDEO_CHUNK_TYPES: ENCODED_CHUNK_TYPES };
