using System.Security.Cryptography;

namespace Katas.Grading;

/// <summary>What the server does with a request for a document, besides holding it for its delay.</summary>
public enum DocumentFault
{
    /// <summary>Sends the document: 200 with every byte.</summary>
    None,

    /// <summary>Answers 404 Not Found (a short text body), as if the document were not there.</summary>
    NotFound,

    /// <summary>Sends the headers and part of the body, then resets the connection (TCP RST).</summary>
    ResetMidBody,

    /// <summary>Sends nothing and holds the request until the client goes away or the server stops (or <see cref="DocumentServer.StallLimit"/>).</summary>
    Stall,
}

/// <summary>A document the server serves: its path, its exact bytes and what the server does when asked for it.</summary>
public sealed record ServedDocument(string Path, Uri Url, byte[] Content, TimeSpan Delay, DocumentFault Fault)
{
    /// <summary>The last segment of the path: the file name a downloader should save it under.</summary>
    public string FileName => Path[(Path.LastIndexOf('/') + 1)..];

    public string Sha256 => Convert.ToHexString(SHA256.HashData(Content));

    /// <summary>Deterministic bytes for a seed (SplitMix64): the same document on every machine and every run.</summary>
    public static byte[] Generate(int size, ulong seed)
    {
        var bytes = new byte[size];
        var state = seed;
        for (var i = 0; i < size; i += 8)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            for (var b = 0; b < 8 && i + b < size; b++)
            {
                bytes[i + b] = (byte)(z >> (8 * b));
            }
        }

        return bytes;
    }
}
