-- Webhook secrets are stored encrypted ('aes-gcm.v1 ' + base64 of nonce, ciphertext and tag; a secret
-- of the longest allowed 255 characters takes 391) in webhook_secret_encrypted, and webhook_secret is
-- left NULL. A secret stored in plain in webhook_secret (by an earlier version) is still read, and is
-- moved here encrypted by the next node of this version that starts.
ALTER TABLE notification_targets ADD COLUMN webhook_secret_encrypted VARCHAR(512);
