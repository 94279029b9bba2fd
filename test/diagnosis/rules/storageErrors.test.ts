import { describe, expect, it } from 'vitest';
import {
  blobUrls,
  findStorageFailure,
  parseBlobUrl,
} from '../../../shared/diagnosis/signals/storageErrors.js';

describe('findStorageFailure', () => {
  it.each([
    ['ErrorCode:AuthorizationPermissionMismatch', 'AccessDenied', 'AuthorizationPermissionMismatch', false],
    [
      'Status: 403 (This request is not authorized to perform this operation.)\nErrorCode: AuthorizationFailure',
      'AccessDenied',
      'AuthorizationFailure',
      true,
    ],
    [
      'This request is not authorized to perform this operation using this permission.',
      'AccessDenied',
      'AuthorizationPermissionMismatch',
      false,
    ],
    ['HTTP/1.1 403 Forbidden', 'AccessDenied', undefined, false],
    [
      'azure.core.exceptions.ResourceNotFoundError: The specified blob does not exist.',
      'NotFound',
      'BlobNotFound',
      false,
    ],
    ['ErrorCode:ContainerNotFound', 'NotFound', 'ContainerNotFound', false],
    ['failed: status code 404', 'NotFound', undefined, false],
  ])('%s → %s', (text, kind, code, network) => {
    const f = findStorageFailure(text);
    expect(f?.kind).toBe(kind);
    expect(f?.code).toBe(code);
    expect(f?.network).toBe(network);
  });

  it('prefers an error code over a bare status on another line', () => {
    const f = findStorageFailure('GET /x -> status: 404\nErrorCode:AuthorizationPermissionMismatch');
    expect(f?.kind).toBe('AccessDenied');
  });

  it('ignores numbers that only look like statuses', () => {
    expect(findStorageFailure('Downloaded 4035 bytes in 404ms from shard 403-a')).toBeUndefined();
  });
});

describe('blob URLs', () => {
  it('drops the SAS query and de-duplicates', () => {
    const text =
      'GET https://acct1.blob.core.windows.net/azureml/a/model.pkl?sv=2021&sig=abc%3D then https://acct1.blob.core.windows.net/azureml/a/model.pkl.';
    expect(blobUrls(text)).toEqual(['https://acct1.blob.core.windows.net/azureml/a/model.pkl']);
  });

  it('splits account, container and path', () => {
    expect(
      parseBlobUrl('https://acct1.blob.core.windows.net/azureml/ExperimentRun/x/model.pkl?sig=1'),
    ).toEqual({
      account: 'acct1',
      container: 'azureml',
      path: 'ExperimentRun/x/model.pkl',
    });
  });
});
