namespace Katas.ExecutorDownloads;

/// <summary>One finished download: which URL it was (its position in the list, and the URL) and its bytes.</summary>
public sealed record Download(int Index, Uri Url, byte[] Content);
